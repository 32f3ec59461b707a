"""Reading and writing: report files, manifests, atomic output, CSV and Parquet bytes, paths."""
