"""Why a check did not pass, with the bilingual text a student reads.

Each exception renders itself as one or two short lines (plus the student's
own traceback frames where there are some); the pytest hooks show that text
instead of a traceback through the grader.
"""

from __future__ import annotations


class GradingOutcome(Exception):
    """Base class: a check did not pass, for a reason worth telling the student."""

    category = "failed"

    def report(self) -> str:
        return str(self)


class CheckFailed(GradingOutcome, AssertionError):
    """The student's value differs from the oracle's."""

    def __init__(self, zh: str, en: str, detail: str = "") -> None:
        self.zh, self.en, self.detail = zh, en, detail
        super().__init__(self.report())

    def report(self) -> str:
        text = f"{self.zh}\n{self.en}"
        return f"{text}\n{self.detail}" if self.detail else text


class JudgeCouldNotCompare(GradingOutcome):
    """The oracle could not be applied to what the submission returned."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        super().__init__(self.report())

    def report(self) -> str:
        text = f"{type(self.error).__name__}: {self.error}"
        text = text if len(text) <= 600 else text[:600] + "…"
        return ("无法把你的结果与标准答案比较 (形状或类型不对?) / your result could not be compared with "
                f"the oracle's (wrong shape or type?):\n{text}")


class StudentProblem(GradingOutcome):
    """Something went wrong inside the student's code."""

    def __init__(self, call: str, message: str = "", traceback: str = "", output: str = "",
                 exc_type: str = "", mro: tuple = ()) -> None:
        self.call, self.message, self.traceback, self.output = call, message, traceback, output
        self.exc_type, self.mro = exc_type, tuple(mro)  # as raised in the worker
        super().__init__(self.report())

    def _with_traceback(self, text: str) -> str:
        if self.traceback:
            text += "\n" + self.traceback
        if self.output.strip():
            text += "\n--- 你的代码的输出 / your code printed ---\n" + self.output.rstrip()
        return text


class NotImplementedYet(StudentProblem):
    category = "not implemented"

    def report(self) -> str:
        return f"尚未实现 / not implemented yet: {self.call}"


class StudentError(StudentProblem):
    def report(self) -> str:
        return self._with_traceback(f"{self.call} 抛出异常 / raised an exception:")


class ForbiddenOracle(StudentProblem):
    def report(self) -> str:
        return self._with_traceback(f"{self.call}: 使用了禁止的参考实现 / used a forbidden oracle:")


class StudentExited(StudentProblem):
    def report(self) -> str:
        return self._with_traceback(
            f"{self.call} 调用了 sys.exit / called sys.exit ({self.message}); 这会让这项检查失败 / this fails the check"
        )


class StudentTimeout(StudentProblem):
    def report(self) -> str:
        return (f"{self.call} 超时 (超过 {self.message} 秒), 可能有死循环 / "
                f"timed out after {self.message} s (an endless loop?)")


class WorkerDied(StudentProblem):
    def report(self) -> str:
        return self._with_traceback(
            f"{self.call}: 运行你的代码的进程意外退出 (退出码 {self.message}), 例如 os._exit 或崩溃 / "
            f"the process running your code died (exit code {self.message}), e.g. os._exit or a crash"
        )


class Tampered(StudentProblem):
    def report(self) -> str:
        return (f"{self.call}: 你的代码做了评分时不允许的事 (例如修改库函数、读取受保护的文件、启动其他程序) / "
                f"your code did something not allowed while grading (e.g. replacing library functions, "
                f"reading protected files, starting other programs): {self.message}")


class SubmissionBroken(StudentProblem):
    """The module cannot be used at all: missing, a syntax error, an import crash."""

    category = "broken"

    @classmethod
    def missing(cls, module: str) -> "SubmissionBroken":
        return cls(f"找不到文件 / file not found: {module}.py")

    def report(self) -> str:
        return self._with_traceback(self.call)


class GraderFault(GradingOutcome):
    """The grader itself failed (its sandbox, its worker): not the student's doing, not a score."""

    category = "grader error"

    def __init__(self, what: str, detail: str = "") -> None:
        self.what, self.detail = what, detail
        super().__init__(self.report())

    def report(self) -> str:
        text = f"评分程序自身出错, 这不是你的问题 / the grader itself failed, not your code: {self.what}"
        return f"{text}\n{self.detail}" if self.detail else text
