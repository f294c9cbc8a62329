// RootGuardModel
