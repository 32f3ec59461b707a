"""The build: inputs, batches, workers, engines, writing and verification of the datasets."""
