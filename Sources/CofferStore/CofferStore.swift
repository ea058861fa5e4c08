import GRDB
public enum CofferStore {}
