using System.Diagnostics.Metrics;

namespace Hotpath.Diagnostics;

/// <summary>
/// Creates the runtime's instruments on <see cref="HotpathMeter.Meter"/> so that a meter listener whose
/// <see cref="MeterListener.InstrumentPublished"/> throws cannot fail the pool, cache or batch engine that creates them.
/// </summary>
/// <remarks>
/// .NET calls every started listener's <see cref="MeterListener.InstrumentPublished"/> inside the <c>Create*</c> call,
/// after it has added the instrument to the meter, and lets an exception out. The instrument then exists and works
/// (listeners started before the throwing one were told of it; listeners started later are told of it when they start;
/// only those started after the throwing one and before the call never hear of it) but its creator never got it. Creating
/// it again would add a second instrument of the same name to the meter (the meter caches counters only once published
/// without an exception; observable instruments never), which a later listener would see twice, so the one already
/// published is looked up instead, through a listener of our own that is told of every published instrument on start.
/// </remarks>
internal static class HotpathInstruments
{
    /// <summary>
    /// The instrument <paramref name="create"/> makes on the <c>Hotpath</c> meter, or the one it published before a
    /// listener's exception escaped it; <see langword="null"/> only when no instrument named <paramref name="name"/> was
    /// published (call again later: nothing was added to the meter).
    /// </summary>
    public static TInstrument? Create<TInstrument>(string name, Func<Meter, TInstrument> create)
        where TInstrument : Instrument
    {
        var meter = HotpathMeter.Meter;
        try
        {
            return create(meter);
        }
        catch (Exception)
        {
            // A listener's bug, not the component's: see the remarks.
            return Published<TInstrument>(meter, name);
        }
    }

    private static TInstrument? Published<TInstrument>(Meter meter, string name)
        where TInstrument : Instrument
    {
        TInstrument? found = null;
        using var finder = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter == meter && instrument.Name == name && instrument is TInstrument typed)
                {
                    found = typed;
                }
            },
        };
        finder.Start(); // tells this listener, and only it, of every instrument published so far, then enables nothing
        return found;
    }
}
