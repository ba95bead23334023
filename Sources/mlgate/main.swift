print("mlgate")
