import Foundation

/// The real Terraform on what `harden --format terraform` prints: `terraform fmt -check` always (it needs no
/// provider), and `terraform init -backend=false` + `terraform validate` where the AWS provider is installed — from
/// a local filesystem mirror (`ROOTGUARD_TF_PLUGINS`, default /opt/tf-plugins): tests never download one.
enum Terraform {
    struct Outcome {
        /// `terraform fmt -check -diff`: exit status and the diff.
        var fmt: CLI.Result
        /// `init` then `validate`, or nil when no AWS provider is installed here.
        var validate: CLI.Result?
    }

    /// The terraform executable on PATH, if any.
    static var binary: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return (path.split(separator: ":") + ["/usr/local/bin"]).map { "\($0)/terraform" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var mirror: String? {
        let folder = ProcessInfo.processInfo.environment["ROOTGUARD_TF_PLUGINS"] ?? "/opt/tf-plugins"
        return FileManager.default.fileExists(atPath: folder + "/registry.terraform.io/hashicorp/aws") ? folder : nil
    }

    static func check(_ hcl: String) throws -> Outcome? {
        guard let binary else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rg-tf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(hcl.utf8).write(to: folder.appendingPathComponent("main.tf"))
        func run(_ command: String, _ environment: [String: String] = [:]) throws -> CLI.Result {
            try CLI.run(
                ["-c", "cd '\(folder.path)' && '\(binary)' \(command)"],
                environment: ["TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": ""]
                    .merging(environment) { $1 }, shell: true)
        }
        let fmt = try run("fmt -check -diff -no-color main.tf")
        guard let mirror else { return Outcome(fmt: fmt, validate: nil) }
        // Providers only from the local mirror; a default (region) provider beside the printed ones.
        let config = folder.appendingPathComponent("terraformrc")
        try Data(
            """
            provider_installation {
              filesystem_mirror {
                path    = "\(mirror)"
                include = ["registry.terraform.io/*/*"]
              }
              direct {
                exclude = ["registry.terraform.io/*/*"]
              }
            }

            """.utf8
        ).write(to: config)
        try Data(
            """
            terraform {
              required_providers {
                aws = {
                  source = "hashicorp/aws"
                }
              }
            }

            """.utf8
        ).write(to: folder.appendingPathComponent("versions.tf"))
        let environment = ["TF_CLI_CONFIG_FILE": config.path]
        let initialised = try run("init -backend=false -input=false -no-color", environment)
        guard initialised.status == 0 else { return Outcome(fmt: fmt, validate: initialised) }
        return Outcome(
            fmt: fmt, validate: try run("validate -no-color", environment.merging(["AWS_REGION": "us-east-1"]) { $1 }))
    }
}
