// RootGuardReport
