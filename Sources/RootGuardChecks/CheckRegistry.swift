/// Every check, explicitly. Ids are stable and never reused (a test proves they are unique).
public enum CheckRegistry {
    public static let all: [any Check] = [
        RootHasMFA(), TrustedAdvisorAgrees(), RootMFAIsHardware(), RootHasMultipleMFADevices(), RootHasNoAccessKeys(),
        RootHasNoSigningCertificates(), RootIsNotRecentlyUsed(), RootCredentialSourcesAgree(), RootPasswordIsStrong(),
        RootPasswordInPasswordManager(), AdministrativeIdentityExists(), BillingAccessDelegated(),
        RootEmailIsCompanyGroupAddress(), SecurityContactRegistered(), AlternateContactsComplete(),
        RecoveryChannelsSeparated(), RootCustodyIsSplit(), AccountInOrganization(), RootResponseProcedureExists(),
        MultiRegionTrailLogging(), RootActivityAlarmChain(), RootEventBridgeRules(), GuardDutyWatchesRoot(),
        ConfigRootRulesEnabled(), SecurityHubRootControls(), PatternProofsAgree(),
        CentralizedRootAccessEnabled(), AssumeRootCallersRestricted(),
    ]

    public static var metadata: [CheckMetadata] { all.map(\.metadata) }
}
