"""The notebooks without nbgrader: every written question of the notes has its graded place, the
student's empty answers are counted, the release carries no model answer, the join adds up.

(nbgrader itself runs in tests/test_notebooks_nbgrader.py.)
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader.notebooks import answers, cells
from grader.notebooks.answers import pending_answers
from grader.notebooks.gradebook import JoinError, join
from grader.problems import PROBLEMS
from grader.tools import join as join_tool
from grader.tools.release import make_release
from tests.harness import ROOT

HOMEWORK = [p.module for p in PROBLEMS if not p.bonus]

# The homework's questions, verbatim from the notes (作业题目, 第一题 … 第十题).
QUESTIONS = {
    "hw01_initialization": "请查阅资料阐述为什么对于层数较深的深度学习模型在训练前通常不能直接将模型参数设为0或比较大的随机值?而要进行专门的参数初始化。请以ReLU激活函数为例,对比Xavier初始化和He初始化的设计思路差异及其对梯度传播的适配性。",
    "hw02_receptive_field": "请查阅资料阐述卷积神经网络中感受野的概念,并说明其对特征提取的影响,同时计算输入大小为32×32的图像经过“3×3卷积(stride=1,padding=1)→3×3卷积(stride=2,padding=0)→2×2 池化(步幅2)”结构后,最终的特征图像素对应的原始输入感受野大小(需写出计算过程)",
    "hw03_conv_cost": "已知卷积层配置为:in_channels=16、out_channels=32、Kernel=3×3、S=1、padding=1、输入 28×28,计算该层的参数量(含偏置)和计算量(FLOPs),如果替换为1×1卷积,说明参数量和FLOPs的变化及1×1卷积的核心作用。",
    "hw04_catdog_dataset": "请利用课堂讲授的自定义数据集方法自定义猫狗数据集,要求定义好该据集后能批量读取数据集中的图片,并统一图片尺寸,将数据集中的数据类型转换为tensor,同时实现可视化一个批次的花卉图片数据的要求。",
    "hw05_cifar10_visualization": "给出用四种不同方法实现对CIFAR10数据集中被分批处理后一个批次中的图像进行可视化的代码",
    "hw06_depthwise_separable": "请解释深度可分离卷积的核心原理,说明它如何将标准卷积拆分为两个步骤,以及这种拆分方式为何能大幅减少模型的参数量和计算量。对比标准卷积与深度可分离卷积的参数量计算公式,举例验证其轻量化效果",
    "hw07_conv_vs_fc": "请解释卷积神经网络中卷积层、池化层、全连接层的核心作用。对比卷积操作与传统全连接操作的连接机制与参数共享机制差异,并说明参数共享如何降低模型的计算复杂度和过拟合风险。",
    "hw08_alexnet_vgg": "AlexNet是深度学习复兴的标志性模型,请列举至少3个AlexNet的核心创新点,并说明这些创新点如何提升模型的性能和训练效率,另外请给出VGG网络模型的主要创新点",
    "hw09_resnet": "什么是残差网络(ResNet)中的残差连接?请画出ResNet18/34模型残差块的结构示意图,并解释残差连接如何解决深层网络的梯度消失问题,使得训练几百层甚至上千层的网络成为可能,同时写出ResNet18/34的PyTorch代码。",
    "hw10_lstm": "长短期记忆网络(LSTM)通过引入门控机制解决传统RNN的长依赖问题,请详细说明LSTM中输入门、遗忘门、输出门的作用,画出LSTM单元的结构示意图,并写出其核心计算公式",
}
# Each written (or drawn, or shown) part, verbatim: it must head a graded place of its own.
# Numbers the notes ask for are graded by the code checks; their parts ask for the working.
WRITTEN_PARTS = {
    "hw01_initialization": ["为什么对于层数较深的深度学习模型在训练前通常不能直接将模型参数设为0或比较大的随机值?而要进行专门的参数初始化",
                            "以ReLU激活函数为例,对比Xavier初始化和He初始化的设计思路差异及其对梯度传播的适配性"],
    "hw02_receptive_field": ["阐述卷积神经网络中感受野的概念,并说明其对特征提取的影响",
                             "最终的特征图像素对应的原始输入感受野大小(需写出计算过程)"],
    "hw03_conv_cost": ["计算该层的参数量(含偏置)和计算量(FLOPs),如果替换为1×1卷积,说明参数量和FLOPs的变化",
                       "1×1卷积的核心作用"],
    "hw04_catdog_dataset": ["可视化一个批次的花卉图片数据"],
    "hw05_cifar10_visualization": ["用四种不同方法实现对CIFAR10数据集中被分批处理后一个批次中的图像进行可视化"],
    "hw06_depthwise_separable": ["解释深度可分离卷积的核心原理,说明它如何将标准卷积拆分为两个步骤",
                                 "这种拆分方式为何能大幅减少模型的参数量和计算量",
                                 "对比标准卷积与深度可分离卷积的参数量计算公式", "举例验证其轻量化效果"],
    "hw07_conv_vs_fc": ["解释卷积神经网络中卷积层、池化层、全连接层的核心作用",
                        "对比卷积操作与传统全连接操作的连接机制与参数共享机制差异",
                        "说明参数共享如何降低模型的计算复杂度和过拟合风险"],
    "hw08_alexnet_vgg": ["列举至少3个AlexNet的核心创新点,并说明这些创新点如何提升模型的性能和训练效率",
                         "给出VGG网络模型的主要创新点"],
    "hw09_resnet": ["什么是残差网络(ResNet)中的残差连接?", "请画出ResNet18/34模型残差块的结构示意图",
                    "解释残差连接如何解决深层网络的梯度消失问题,使得训练几百层甚至上千层的网络成为可能"],
    "hw10_lstm": ["详细说明LSTM中输入门、遗忘门、输出门的作用", "画出LSTM单元的结构示意图", "写出其核心计算公式"],
}
DRAWINGS = {"hw09_resnet": "请画出ResNet18/34模型残差块的结构示意图", "hw10_lstm": "画出LSTM单元的结构示意图"}
FIGURES = {"hw04_catdog_dataset": ["show_batch"],
           "hw05_cifar10_visualization": ["plot_with_subplots", "plot_with_make_grid",
                                          "plot_with_image_grid", "plot_with_numpy"]}


def source(module: str) -> dict:
    return cells.read(ROOT / "solutions" / f"{module}.ipynb")


def student(module: str) -> dict:
    return cells.read(ROOT / "assignments" / f"{module}.ipynb")


def graded_place(notebook: dict, index: int) -> bool:
    """The cell at ``index`` is a task, or a read-only question answered by the next cell."""
    cell, following = notebook["cells"][index], notebook["cells"][index + 1:index + 2]
    return cells.is_task(cell) or (bool(cells.marks(cell).get("locked")) and bool(following)
                                   and cells.is_answer(following[0]) and cells.points(following[0]) > 0)


@pytest.mark.parametrize("module", HOMEWORK)
def test_every_written_question_of_the_notes_has_its_graded_place(module):
    notebook = source(module)
    texts = [cells.source(cell) for cell in notebook["cells"]]
    assert QUESTIONS[module] in texts[0], "the whole question, verbatim, opens the notebook"
    assert cells.marks(notebook["cells"][0]).get("locked"), "…in a read-only cell"
    for part in WRITTEN_PARTS[module]:
        places = [i for i, text in enumerate(texts) if part in text and i > 0]
        assert places, f"{module}: the notes' question is missing: {part}"
        assert any(graded_place(notebook, i) for i in places), f"{module}: no graded answer for: {part}"


@pytest.mark.parametrize("module", HOMEWORK)
def test_notebook_shows_the_students_own_module(module):
    """Code cells import the student's module (beside the notebook) and call it; none holds its code."""
    code = [cells.source(c) for c in source(module)["cells"] if c["cell_type"] == "code"]
    assert any(f"import {module} as hw" in text for text in code)
    assert not any(re.search(r"^\s*(def|class) ", text, re.M) for text in code), "the module is the place for code"
    for function in FIGURES.get(module, []):
        assert any(f"hw.{function}(" in text for text in code), f"{module}: no cell shows {function}"
    assert not any(c.get("outputs") for c in source(module)["cells"] if c["cell_type"] == "code"), \
        "source notebooks are kept without outputs"


@pytest.mark.parametrize("module", DRAWINGS)
def test_drawings_are_task_cells_accepting_an_image_or_a_text_diagram(module):
    notebook = source(module)
    tasks = [(task, after) for task, after in cells.task_answers(notebook) if DRAWINGS[module] in cells.source(task)]
    assert len(tasks) == 1, f"{module}: the drawing is one task cell"
    task, after = tasks[0]
    assert cells.points(task) > 0 and "BEGIN MARK SCHEME" in cells.source(task), "points and a model drawing"
    assert "Insert Image" in cells.source(task) and "```" in cells.source(task), "says how to attach or type it"
    assert after and after[0]["cell_type"] == "markdown" and cells.is_blank(after[0]), "a place to draw"


def test_every_problem_has_written_points():
    for module in HOMEWORK:
        points = [cells.points(c) for c in source(module)["cells"] if cells.is_answer(c) or cells.is_task(c)]
        assert points and all(p > 0 for p in points), module


# -- the student's loop: empty answers ------------------------------------------------------------

def write(folder: Path, module: str, notebook: dict) -> None:
    (folder / f"{module}.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


def answer_everything(notebook: dict) -> dict:
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        if cells.is_answer(cell):
            cell["source"] = "my answer"
    for _, after in cells.task_answers(notebook):
        for cell in after:
            if cell["cell_type"] == "code":
                cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "figure"}]
            else:
                cell["source"] = "```\nx --> y\n```"
    return notebook


def expected_empty(notebook: dict) -> int:
    return sum(cells.is_answer(c) for c in notebook["cells"]) + len(cells.task_answers(notebook))


def test_untouched_notebooks_count_every_answer():
    counts = pending_answers(ROOT / "assignments")
    assert counts == {m: expected_empty(student(m)) for m in HOMEWORK}
    assert all(count > 0 for count in counts.values())


def test_answered_notebooks_count_nothing(tmp_path):
    for module in HOMEWORK:
        write(tmp_path, module, answer_everything(student(module)))
    assert pending_answers(tmp_path) == dict.fromkeys(HOMEWORK, 0)


def test_each_kind_of_answer_counts(tmp_path):
    notebook = student("hw09_resnet")
    answers = [c for c in notebook["cells"] if cells.is_answer(c)]
    (_, [area]), = cells.task_answers(notebook)
    total = expected_empty(notebook)
    answers[0]["source"] = "y = F(x) + x"
    write(tmp_path, "hw09_resnet", notebook)
    assert pending_answers(tmp_path) == {"hw09_resnet": total - 1}
    answers[1]["source"] = "   \n"  # wiped, nothing written: still empty
    area["source"] = ""
    area["attachments"] = {"block.png": {"image/png": "iVBORw0KGgo="}}  # an image alone is an answer
    write(tmp_path, "hw09_resnet", notebook)
    assert pending_answers(tmp_path) == {"hw09_resnet": total - 2}
    code_task = student("hw04_catdog_dataset")
    (_, after), = cells.task_answers(code_task)
    after[-1]["outputs"] = [{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}}]
    write(tmp_path, "hw04_catdog_dataset", code_task)
    assert pending_answers(tmp_path)["hw04_catdog_dataset"] == 0, "a saved figure answers the figure task"


def test_missing_broken_or_huge_notebooks_are_absent(tmp_path, monkeypatch):
    assert pending_answers(tmp_path) == {}
    (tmp_path / "hw01_initialization.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "hw02_receptive_field.ipynb").write_text("[]", encoding="utf-8")
    write(tmp_path, "hw03_conv_cost", student("hw03_conv_cost"))
    (tmp_path / "hw99_extra.ipynb").write_text("{}", encoding="utf-8")
    assert pending_answers(tmp_path) == {"hw03_conv_cost": expected_empty(student("hw03_conv_cost"))}
    monkeypatch.setattr(answers, "MAX_BYTES", 100)
    assert pending_answers(tmp_path) == {}


def test_counting_imports_no_jupyter():
    """The judge counts on every run: JSON only, no nbgrader, nbformat or nbconvert."""
    code = ("import sys; from pathlib import Path; from grader.notebooks.answers import pending_answers;"
            f"assert pending_answers(Path({str(ROOT / 'assignments')!r}));"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('nbgrader', 'nbformat', 'nbconvert', 'jupyter_core')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"


# -- the release ----------------------------------------------------------------------------------

def test_release_has_the_student_notebooks_and_no_model_answer(tmp_path):
    out = tmp_path / "release"
    copied = make_release(out, ROOT)
    for module in HOMEWORK:
        assert f"assignments/{module}.ipynb" in copied, f"the release lacks the student notebook of {module}"
    released = {path: path.read_text(encoding="utf-8", errors="replace") for path in out.rglob("*") if path.is_file()}
    for module in HOMEWORK:
        lines = cells.model_answer_lines(source(module))
        assert lines, module
        for line in lines:
            escaped = json.dumps(line, ensure_ascii=False)[1:-1]  # as a notebook's JSON holds it
            leaks = [p.relative_to(out) for p, text in released.items() if line in text or escaped in text]
            assert not leaks, f"{module}: model answer text in the release ({leaks}): {line}"


# -- the join -------------------------------------------------------------------------------------

CODE = [{"submission": "s1", "status": "graded", "hw01": "10", "hw02": "", "total": "55.5", "max": "100",
         "bonus": "4", "commit": "0a1b"},
        {"submission": "s2", "status": "error", "hw01": "0", "hw02": "3", "total": "3", "max": "100",
         "bonus": "", "commit": "9f9f"}]
WRITTEN = [{"assignment": a, "student_id": s, "score": score, "max_score": top, "timestamp": ""}
           for a, top, scores in (("hw01_initialization", "6.0", {"s1": "4.5", "s2": "0.0"}),
                                  ("hw02_receptive_field", "5.0", {"s1": "5.0", "s2": "1.0"}))
           for s, score in scores.items()]


def test_join_reads_columns_by_name_and_adds_up():
    reordered = [dict(reversed(list(row.items()))) for row in CODE]
    for code in (CODE, reordered):
        rows = {row["student"]: row for row in join(code, WRITTEN)}
        assert list(rows) == ["s1", "s2"]
        assert rows["s1"] == {"student": "s1", "hw01_code": "10", "hw02_code": "", "hw01_written": 4.5,
                              "hw02_written": 5.0, "code_total": 55.5, "written_total": 9.5, "total": 65.0,
                              "max": 111.0, "bonus": "4", "status": "graded"}
        assert rows["s2"]["total"] == 4.0 and rows["s2"]["written_total"] == 1.0


def test_join_refuses_missing_students_and_says_who():
    with pytest.raises(JoinError) as error:
        join(CODE + [{**CODE[0], "submission": "s3"}], [r for r in WRITTEN if r["student_id"] != "s2"])
    assert "s3" in str(error.value) and "s2" in str(error.value)
    with pytest.raises(JoinError, match="s1"):
        join(CODE + [CODE[0]], WRITTEN)  # twice in the code gradebook
    with pytest.raises(JoinError, match="total"):
        join([{k: v for k, v in row.items() if k != "total"} for row in CODE], WRITTEN)


def test_join_command(tmp_path, capsys):
    code, written, out = tmp_path / "code.csv", tmp_path / "written.csv", tmp_path / "grades.csv"
    for path, rows in ((code, CODE), (written, WRITTEN)):
        path.write_text("\n".join([",".join(rows[0]), *(",".join(r.values()) for r in rows)]) + "\n", encoding="utf-8")
    assert join_tool.main([str(code), str(written), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("student,hw01_code,hw02_code,hw01_written")
    written.write_text(written.read_text(encoding="utf-8").replace(",s2,", ",s9,"), encoding="utf-8")
    assert join_tool.main([str(code), str(written), "--out", str(out)]) == 2
    assert "s9" in capsys.readouterr().err
