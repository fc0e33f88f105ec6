"""The homework grader: a pytest suite that grades a folder of student modules."""
