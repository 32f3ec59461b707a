"""The build's stages: each turns a report (and earlier stages' tables) into rows of a table."""
