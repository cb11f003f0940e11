from aicmo.errors import AicmoError


class FormTaskNotFound(AicmoError):
    def __init__(self, task_id: int) -> None:
        super().__init__(f"contact-form task {task_id} not found")
        self.task_id = task_id


class FormTaskAlreadyClosed(AicmoError):
    def __init__(self, task_id: int, status: str) -> None:
        super().__init__(f"contact-form task {task_id} is already {status}")
        self.task_id = task_id
        self.status = status
