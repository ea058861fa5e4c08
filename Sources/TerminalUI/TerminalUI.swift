/// A small, generic terminal UI kit (filled in by the TerminalUI issue).
public enum TerminalUI {}
