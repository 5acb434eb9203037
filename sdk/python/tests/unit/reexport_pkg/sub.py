def helper(x):
    return x + 1


def uses_default(x, fn=helper):
    return fn is helper, fn(x)


class Holder:
    fn = staticmethod(helper)
