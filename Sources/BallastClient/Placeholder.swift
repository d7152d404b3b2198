public enum BallastClientPlaceholder {}
