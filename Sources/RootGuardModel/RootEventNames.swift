/// CloudTrail event names that mean root activity even when the record's caller is not the root user: the
/// AssumeRoot call (an administrator asks for a root session), password recovery (signed in by nobody yet) and
/// the Account API's root e-mail change. Used by the detector, the event-history queries and the Athena SQL.
public enum RootEventNames {
    public static let byOtherCallers: Set<String> = [
        "AssumeRoot", "PasswordRecoveryRequested", "PasswordRecoveryCompleted", "StartPrimaryEmailUpdate",
        "AcceptPrimaryEmailUpdate",
    ]
}
