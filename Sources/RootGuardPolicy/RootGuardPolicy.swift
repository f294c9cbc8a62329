// RootGuardPolicy
