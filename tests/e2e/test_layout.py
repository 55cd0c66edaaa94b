"""How the e2e modules are laid out (no server is started): test modules
import helpers (harness.py, helpers_*.py), never each other, and helper
modules hold no tests. A test module that imports another one drags that
module's fixtures and setup into its own, and breaks when the other is
renamed or split; a helper with test classes would run its tests again in
every module that imports it."""

import ast
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
IMPORTERS = ("import_module", "__import__")


def modules():
    """{file name: syntax tree} of every Python file here."""
    out = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".py"):
            with open(os.path.join(HERE, name), encoding="utf-8") as f:
                out[name] = ast.parse(f.read(), filename=name)
    return out


def is_test_module(name):
    return name.startswith("test_")


def imported_modules(tree):
    """(line, module name) for every import statement, and for every call of
    importlib.import_module or __import__ with a literal name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                yield node.lineno, node.module
            else:                                        # from . import x
                for alias in node.names:
                    yield node.lineno, alias.name
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            arg = node.args[0]
            if called in IMPORTERS and isinstance(arg, ast.Constant) \
                    and isinstance(arg.value, str):
                yield node.lineno, arg.value


class LayoutTest(unittest.TestCase):

    def test_no_module_imports_a_test_module(self):
        bad = []
        for name, tree in modules().items():
            for line, module in imported_modules(tree):
                if is_test_module(module.split(".")[0]):
                    bad.append("%s:%d imports %s" % (name, line, module))
        self.assertEqual(bad, [], "move what is shared into a helper module "
                         "(helpers_*.py or harness.py) and import it from there")

    def test_helper_modules_hold_no_tests(self):
        bad = []
        for name, tree in modules().items():
            if is_test_module(name):
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef):
                    continue
                tests = [f.name for f in node.body
                         if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and f.name.startswith("test")]
                if tests:
                    bad.append("%s:%d class %s has %s" % (name, node.lineno, node.name,
                                                          ", ".join(tests)))
        self.assertEqual(bad, [], "tests belong in test_*.py modules")

    def test_the_check_sees_imports(self):
        tree = ast.parse("import test_a\nfrom test_b import X\nimport os.path\n"
                         "from helpers_agenda import AgendaMixin\n"
                         "importlib.import_module('test_c')\n")
        found = [m for _, m in imported_modules(tree)]
        self.assertEqual(found, ["test_a", "test_b", "os.path", "helpers_agenda", "test_c"])


if __name__ == "__main__":
    unittest.main()
