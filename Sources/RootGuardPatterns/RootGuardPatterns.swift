// RootGuardPatterns
