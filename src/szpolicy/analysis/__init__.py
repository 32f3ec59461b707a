"""What the notebooks use: attribution, scoring, profiles, intervals, plots, timelines."""
