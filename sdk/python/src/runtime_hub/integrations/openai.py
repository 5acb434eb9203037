def instrument() -> bool: return False
def uninstrument() -> None: pass
