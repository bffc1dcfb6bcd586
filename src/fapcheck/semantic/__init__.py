"""What the checked code means, below the rules: the context tracker, the project index, module and
function facts, the types names hold, and the call graph. Never imports a rule, the engine, a reporter
or the CLI."""
