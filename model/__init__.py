"""The Liptako model: the scenario and its validation, the parameter registry, the world as arrays, the rules
and phases of the month (compiled with numba), and the Mesa model over them.

Import what you need from its modules (``liptako.model.scenario``, ``liptako.model.parameters``, ...): this
package imports nothing itself, so that checking a scenario file does not load the compiler.
"""
