"""One module per command: what it does (over the pipeline, generator/pipeline.py) and, in `run`, what it
says on the terminal. No command imports another (tests/test_layers.py)."""
