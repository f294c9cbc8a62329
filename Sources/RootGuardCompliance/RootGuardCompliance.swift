// RootGuardCompliance
