public enum CofferCore {}
