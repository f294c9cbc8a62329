// RootGuardTrail
