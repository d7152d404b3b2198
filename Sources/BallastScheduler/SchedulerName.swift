/// The scheduler name pods ask for in spec.schedulerName by default.
public enum SchedulerName {
    public static let `default` = "default-scheduler"
}
