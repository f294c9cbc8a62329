// RootGuard
