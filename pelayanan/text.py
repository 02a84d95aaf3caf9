"""Small helpers for Indonesian text the portal writes into notes and messages."""


def sentence(text: str) -> str:
    """One full stop at the end of a sentence that ends with a name and its degree.

    Indonesian names carry degrees that end in a period ("Drs. Bambang Sitorus, M.Pd."), so a message
    written as "Menunggu pertimbangan %(name)s." would otherwise end in "M.Pd..".
    """
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text
