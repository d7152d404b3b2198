public enum BallastServerPlaceholder {}
