// RootGuardChecks
