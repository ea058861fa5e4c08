import CNcursesw
import TerminalUI
/// The only code that touches ncurses (filled in by the TerminalUI issue).
public enum CursesTerminal {}
