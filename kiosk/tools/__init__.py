"""Offline tools: batch making, HTML reports, accuracy evaluation, cross-validation, benchmarks, the doctor."""
