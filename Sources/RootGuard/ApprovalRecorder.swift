import Foundation
import RootGuardAWS
import RootGuardCollect
import RootGuardFiles
import RootGuardModel
import RootGuardTrail

/// Writes the approval of each privileged session before it starts: the caller (read once with GetCallerIdentity),
/// the account, the task policy and its actions, a window from a minute ago to 20 minutes ahead (a session lasts at
/// most 15). A session of the same task in the same account within that window reuses the entry — in this run, and in
/// later runs while an entry for the same caller, task and reason is still open for a whole session.
public actor ApprovalRecorder: RootSessions.Approver {
    let path: String
    let reason: String
    let ticket: String?
    private var caller: String?
    private var written: [String: Date] = [:]

    /// Each approval written or reused, one line (standard error by default).
    let log: @Sendable (String) -> Void

    public init(
        path: String, reason: String, ticket: String?,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.path = path
        self.reason = reason
        self.ticket = ticket
        self.log = log
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Before any AWS call: the file must be one trail can read (or not exist yet, in a folder that does).
    public static func check(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            do {
                _ = try ApprovalsFile.load(path)
            } catch {
                throw Invalid(description: "--approvals: \(error)")
            }
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw Invalid(description: "--approvals: \(path): the folder \(folder) does not exist")
            }
        }
    }

    public func approve(account: AccountID, task: RootSessions.Task, client: AWSClient) async throws {
        let now = Date()
        let key = "\(account)/\(task.rawValue)"
        if let until = written[key], until >= now.addingTimeInterval(900 + 60) { return }
        let caller: String
        if let known = self.caller {
            caller = known
        } else {
            caller = try await client.callerIdentity().arn.rawValue
            self.caller = caller
        }
        // An entry still open for the whole session (at most 15 minutes), for the same account, caller, task,
        // reason and ticket, is reused: runs that repeat (dry runs, runs with nothing to do) add no entries.
        if FileManager.default.fileExists(atPath: path), let entries = try? ApprovalsFile.load(path),
            let open = entries.last(where: { entry in
                entry.account == account.rawValue && entry.taskPolicies == [task.rawValue]
                    && entry.callers == [caller] && entry.reason == reason && entry.ticket == ticket
                    && entry.from <= now && entry.until >= now.addingTimeInterval(900 + 60)
            })
        {
            written[key] = open.until
            log(
                "approved: \(task.rawValue) session in \(account) for \(TerminalSafe.escape(caller)) until "
                    + "\(TimeArgument.format(open.until)) (reusing the entry in \(TerminalSafe.escape(path)))")
            return
        }
        let until = now.addingTimeInterval(20 * 60)
        let approval = Approval(
            account: account.rawValue, from: now.addingTimeInterval(-60), until: until, who: caller, ticket: ticket,
            actions: task.actions, taskPolicies: [task.rawValue], callers: [caller], reason: reason)
        try ApprovalsFile.append(approval, to: path)
        written[key] = until
        log(
            "approved: \(task.rawValue) session in \(account) for \(TerminalSafe.escape(caller)) until "
                + "\(TimeArgument.format(until)) (\(TerminalSafe.escape(path)))")
    }
}
