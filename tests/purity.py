"""Read a module's source to check that a pure core stays pure."""

import ast


def imported_modules(tree: ast.Module) -> set[str]:
    """Return every module a parsed file imports."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def called_names(tree: ast.Module) -> set[str]:
    """Return the names of every function or method a parsed file calls."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names
