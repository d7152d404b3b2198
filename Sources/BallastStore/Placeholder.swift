public enum BallastStorePlaceholder {}
