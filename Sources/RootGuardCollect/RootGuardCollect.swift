// RootGuardCollect
