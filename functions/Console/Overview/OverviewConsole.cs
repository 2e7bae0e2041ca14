namespace Integration.Functions.Console.Overview;
public static class OverviewConsole
{
    public static RouteGroupBuilder MapOverviewConsole(this RouteGroupBuilder console) => console;
}
