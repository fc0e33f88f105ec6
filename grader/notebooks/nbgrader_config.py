# nbgrader's configuration for the written half of the homework (one assignment per problem,
# named after its module, holding one notebook of the same name).
#
# `python -m grader notebooks course DIR` copies this file into the course folder DIR, where every
# `nbgrader ...` command reads it; `python -m grader notebooks generate` uses it too. It needs the
# grader installed (`pip install -e .`), which is also what installs nbgrader.
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.preprocessors import ClearMarkScheme, ClearOutput

from grader.notebooks.cells import CODE_STUB, TEXT_STUB
from grader.notebooks.course import COURSE_ID, put_alembic_on_path
from grader.notebooks.untrusted import DisarmHTML

# nbgrader runs `alembic` by name when it creates gradebook.db: find the one beside this Python
# even when its bin/ is not on PATH (a virtual environment used without activating it).
put_alembic_on_path()

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.CourseDirectory.course_id = COURSE_ID

# What a model answer becomes in the student's notebook (pytest grader/ counts these as empty).
c.ClearSolutions.text_stub = TEXT_STUB
c.ClearSolutions.code_stub = {"python": CODE_STUB}

# Never run a student's notebook: nbgrader promises no protection against the code it runs.
# The code is graded in the sandbox by `python -m grader`; every written point is graded by hand.
c.Execute.enabled = False
# Keep the outputs the student saved (the figures of hw04 and hw05 are graded by looking at them),
# but disarm the HTML a submission could run in formgrader or the feedback.
c.Autograde.sanitize_preprocessors = [
    *(p for p in Autograde.class_traits()["sanitize_preprocessors"].default() if p is not ClearOutput), DisarmHTML]
# nbgrader restores task cells from its database, mark scheme (the model drawings) included:
# strip it again before the feedback goes to students.
c.GenerateFeedback.preprocessors = [
    *GenerateFeedback.class_traits()["preprocessors"].default(), ClearMarkScheme]
