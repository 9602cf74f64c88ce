"""The scale benchmark (``python -m bench.scale``, ``make bench-scale``): synthetic Danish minutes at 100k and
1M punkter, a tiny random-weights model, memory, start-up, latency, recall against exact, build time."""
