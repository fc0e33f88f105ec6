"""The written half of every problem: one nbgrader notebook per problem, graded by hand.

- ``cells``: a notebook's cells as plain JSON (answer cells, task cells, model answers).
- ``answers``: the empty written answers of a submission (the judge's score table).
- ``course``: the nbgrader course (layout, student notebooks, collecting a class).
- ``gradebook``: nbgrader's export joined with the code gradebook.
- ``untrusted``: disarms a submission's HTML when nbgrader autogrades it.
- ``nbgrader_config.py``: nbgrader's configuration, copied into every course folder.
"""
