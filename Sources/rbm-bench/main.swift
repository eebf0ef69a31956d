print("rbm-bench: see README")
