namespace SampleApp;

/// <summary>A small piece of business logic for the sample: order totals with discounts and tax.</summary>
public static class PriceCalculator
{
    public static decimal Subtotal(IEnumerable<(decimal UnitPrice, int Quantity)> lines) =>
        lines.Sum(line => line.Quantity < 0 ? throw new ArgumentOutOfRangeException(nameof(lines), "Quantities cannot be negative.") : line.UnitPrice * line.Quantity);

    /// <summary>10% off from 100, 15% off from 500; never below zero.</summary>
    public static decimal Discount(decimal subtotal) => subtotal switch
    {
        >= 500m => Math.Round(subtotal * 0.15m, 2),
        >= 100m => Math.Round(subtotal * 0.10m, 2),
        _ => 0m,
    };

    public static decimal Total(IEnumerable<(decimal UnitPrice, int Quantity)> lines, decimal taxRate)
    {
        var subtotal = Subtotal(lines);
        var discounted = subtotal - Discount(subtotal);
        return Math.Round(discounted * (1 + taxRate), 2, MidpointRounding.AwayFromZero);
    }
}
