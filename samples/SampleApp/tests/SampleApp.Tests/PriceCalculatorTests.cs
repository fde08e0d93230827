using SampleApp;

namespace SampleApp.Tests;

public class PriceCalculatorTests
{
    [Fact]
    public void Subtotal_adds_every_line()
    {
        Assert.Equal(35m, PriceCalculator.Subtotal([(10m, 2), (5m, 3)]));
    }

    [Theory]
    [InlineData(50, 0)]
    [InlineData(100, 10)]
    [InlineData(499.99, 50)]
    [InlineData(500, 75)]
    public void Discount_grows_with_the_order(decimal subtotal, decimal expected)
    {
        Assert.Equal(expected, PriceCalculator.Discount(subtotal));
    }

    [Fact]
    public void Total_applies_discount_before_tax()
    {
        Assert.Equal(108.00m, PriceCalculator.Total([(100m, 1)], 0.20m));
    }

    [Fact]
    public void Negative_quantities_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PriceCalculator.Subtotal([(1m, -1)]));
    }
}
