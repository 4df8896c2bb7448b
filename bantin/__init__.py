"""bantin: Vietnamese administrative-reform bulletins from Markdown to a website and a PDF."""

__version__ = "0.1.0"
