"""REST routes for contact forms left to the operator, under the prefix they had before the operator-task queue
served every kind at /api/tasks: the same routes, for forms only."""

from aicmo.cam.outreach.tasks.api import routes_for
from aicmo.cam.outreach.tasks.models import TaskKind

router = routes_for(TaskKind.FORM, "/api/form-tasks", "contact form tasks")
