import RootGuardModel

/// What is being asked: action, resource and the condition keys AWS would put in the request context.
public struct RequestContext: Sendable, Hashable {
    public var action: String
    public var resource: String
    /// Condition keys (case-insensitive names) → values; multi-valued keys hold several.
    public var keys: [String: [String]]

    public init(action: String, resource: String = "*", keys: [String: [String]] = [:]) {
        self.action = action
        self.resource = resource
        self.keys = Dictionary(keys.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
    }

    public func values(_ key: String) -> [String]? { keys[key.lowercased()] }

    /// The request context of the member account's root user (what an SCP sees when root acts).
    public static func root(
        account: AccountID, partition: String = "aws", action: String, resource: String = "*",
        assumedRoot: Bool = false
    ) -> RequestContext {
        var keys: [String: [String]] = [
            "aws:PrincipalArn": [account.rootARN(partition: partition)], "aws:PrincipalAccount": [account.rawValue],
            "aws:PrincipalType": ["Account"], "aws:userid": [account.rawValue],
        ]
        if assumedRoot { keys["aws:AssumedRoot"] = ["true"] }
        return RequestContext(action: action, resource: resource, keys: keys)
    }
}
