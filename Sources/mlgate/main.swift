import MLGateCommands

await MLGate.start()
