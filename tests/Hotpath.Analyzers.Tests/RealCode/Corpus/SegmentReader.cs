// Written for Hotpath's analyzer tests after dotnet/runtime src/libraries/System.Memory/src/System/Buffers/
// SequenceReader.cs and SequenceReader.Search.cs (MIT): a ref struct reader over a ReadOnlySequence<T> of unmanaged,
// IEquatable<T> elements that walks the segments in place (spans of the current segment, positions, a lazily cached
// length), compares elements through IEquatable<T>.Equals (constrained calls, no boxing), and copies only when a read
// that must return one span straddles segments (ToArray on that slow path). ThrowHelper is a small stand-in for the
// runtime's [DoesNotReturn] helpers; GetFirstSpan is replaced by the public TryGet. Excerpt: see README.md.
using System;
using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RealCode.Sequences;

internal static class SequenceThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgumentOutOfRangeException(string argument) => throw new ArgumentOutOfRangeException(argument);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRangeException_OffsetOutOfRange() => throw new ArgumentOutOfRangeException("offset");
}

public ref struct SegmentReader<T> where T : unmanaged, IEquatable<T>
{
    private SequencePosition _currentPosition;
    private SequencePosition _nextPosition;
    private bool _moreData;
    private readonly long _length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SegmentReader(ReadOnlySequence<T> sequence)
    {
        CurrentSpanIndex = 0;
        Consumed = 0;
        Sequence = sequence;
        _currentPosition = sequence.Start;
        _length = -1;

        _nextPosition = sequence.Start;
        sequence.TryGet(ref _nextPosition, out ReadOnlyMemory<T> first, advance: true);
        CurrentSpan = first.Span;
        _moreData = first.Length > 0;

        if (!_moreData && !sequence.IsSingleSegment)
        {
            _moreData = true;
            GetNextSpan();
        }
    }

    public readonly bool End => !_moreData;

    public readonly ReadOnlySequence<T> Sequence { get; }

    public readonly ReadOnlySequence<T> UnreadSequence => Sequence.Slice(Position);

    public readonly SequencePosition Position
        => Sequence.GetPosition(CurrentSpanIndex, _currentPosition);

    public ReadOnlySpan<T> CurrentSpan { readonly get; private set; }

    public int CurrentSpanIndex { readonly get; private set; }

    public readonly ReadOnlySpan<T> UnreadSpan
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => CurrentSpan.Slice(CurrentSpanIndex);
    }

    public long Consumed { readonly get; private set; }

    public readonly long Remaining => Length - Consumed;

    public readonly long Length
    {
        get
        {
            if (_length < 0)
            {
                // Cast-away readonly to initialize lazy field
                Volatile.Write(ref Unsafe.AsRef(in _length), Sequence.Length);
            }
            return _length;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryPeek(out T value)
    {
        if (_moreData)
        {
            value = CurrentSpan[CurrentSpanIndex];
            return true;
        }
        else
        {
            value = default;
            return false;
        }
    }

    public readonly bool TryPeek(long offset, out T value)
    {
        if (offset < 0)
            SequenceThrowHelper.ThrowArgumentOutOfRangeException_OffsetOutOfRange();

        // If we've got data and offset is not out of bounds
        if (!_moreData || Remaining <= offset)
        {
            value = default;
            return false;
        }

        Debug.Assert(CurrentSpanIndex + offset >= 0);

        // If offset doesn't fall inside current segment move to next until we find correct one
        if ((CurrentSpanIndex + offset) <= CurrentSpan.Length - 1)
        {
            Debug.Assert(offset <= int.MaxValue);

            value = CurrentSpan[CurrentSpanIndex + (int)offset];
            return true;
        }
        else
        {
            long remainingOffset = offset - (CurrentSpan.Length - CurrentSpanIndex);
            SequencePosition nextPosition = _nextPosition;
            ReadOnlyMemory<T> currentMemory;

            while (Sequence.TryGet(ref nextPosition, out currentMemory, advance: true))
            {
                // Skip empty segment
                if (currentMemory.Length > 0)
                {
                    if (remainingOffset >= currentMemory.Length)
                    {
                        // Subtract current non consumed data
                        remainingOffset -= currentMemory.Length;
                    }
                    else
                    {
                        break;
                    }
                }
            }

            value = currentMemory.Span[(int)remainingOffset];
            return true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead(out T value)
    {
        if (End)
        {
            value = default;
            return false;
        }

        value = CurrentSpan[CurrentSpanIndex];
        CurrentSpanIndex++;
        Consumed++;

        if (CurrentSpanIndex >= CurrentSpan.Length)
        {
            GetNextSpan();
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Rewind(long count)
    {
        if ((ulong)count > (ulong)Consumed)
        {
            SequenceThrowHelper.ThrowArgumentOutOfRangeException(nameof(count));
        }

        Consumed -= count;

        if (CurrentSpanIndex >= count)
        {
            CurrentSpanIndex -= (int)count;
            _moreData = true;
        }
        else
        {
            // Current segment doesn't have enough data, scan backward through segments
            RetreatToPreviousSpan(Consumed);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RetreatToPreviousSpan(long consumed)
    {
        ResetReader();
        Advance(consumed);
    }

    private void ResetReader()
    {
        CurrentSpanIndex = 0;
        Consumed = 0;
        _currentPosition = Sequence.Start;
        _nextPosition = _currentPosition;

        if (Sequence.TryGet(ref _nextPosition, out ReadOnlyMemory<T> memory, advance: true))
        {
            _moreData = true;

            if (memory.Length == 0)
            {
                CurrentSpan = default;
                // No data in the first span, move to one with data
                GetNextSpan();
            }
            else
            {
                CurrentSpan = memory.Span;
            }
        }
        else
        {
            // No data in any spans and at end of sequence
            _moreData = false;
            CurrentSpan = default;
        }
    }

    private void GetNextSpan()
    {
        if (!Sequence.IsSingleSegment)
        {
            SequencePosition previousNextPosition = _nextPosition;
            while (Sequence.TryGet(ref _nextPosition, out ReadOnlyMemory<T> memory, advance: true))
            {
                _currentPosition = previousNextPosition;
                if (memory.Length > 0)
                {
                    CurrentSpan = memory.Span;
                    CurrentSpanIndex = 0;
                    return;
                }
                else
                {
                    CurrentSpan = default;
                    CurrentSpanIndex = 0;
                    previousNextPosition = _nextPosition;
                }
            }
        }
        _moreData = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(long count)
    {
        const long TooBigOrNegative = unchecked((long)0xFFFFFFFF80000000);
        if ((count & TooBigOrNegative) == 0 && CurrentSpan.Length - CurrentSpanIndex > (int)count)
        {
            CurrentSpanIndex += (int)count;
            Consumed += count;
        }
        else
        {
            // Can't satisfy from the current span
            AdvanceToNextSpan(count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AdvanceCurrentSpan(long count)
    {
        Debug.Assert(count >= 0);

        Consumed += count;
        CurrentSpanIndex += (int)count;
        if (CurrentSpanIndex >= CurrentSpan.Length)
            GetNextSpan();
    }

    private void AdvanceToNextSpan(long count)
    {
        if (count < 0)
        {
            SequenceThrowHelper.ThrowArgumentOutOfRangeException(nameof(count));
        }

        Consumed += count;
        while (_moreData)
        {
            int remaining = CurrentSpan.Length - CurrentSpanIndex;

            if (remaining > count)
            {
                CurrentSpanIndex += (int)count;
                count = 0;
                break;
            }

            // As there may not be any further segments we need to
            // push the current index to the end of the span.
            CurrentSpanIndex += remaining;
            count -= remaining;
            Debug.Assert(count >= 0);

            GetNextSpan();

            if (count == 0)
            {
                break;
            }
        }

        if (count != 0)
        {
            // Not enough data left- adjust for where we actually ended and throw
            Consumed -= count;
            SequenceThrowHelper.ThrowArgumentOutOfRangeException(nameof(count));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool TryCopyTo(Span<T> destination)
    {
        ReadOnlySpan<T> firstSpan = UnreadSpan;
        if (firstSpan.Length >= destination.Length)
        {
            firstSpan.Slice(0, destination.Length).CopyTo(destination);
            return true;
        }

        // Not enough in the current span to satisfy the request, fall through to the slow path
        return TryCopyMultisegment(destination);
    }

    internal readonly bool TryCopyMultisegment(Span<T> destination)
    {
        // If we don't have enough to fill the requested buffer, return false
        if (Remaining < destination.Length)
            return false;

        ReadOnlySpan<T> firstSpan = UnreadSpan;
        Debug.Assert(firstSpan.Length < destination.Length);
        firstSpan.CopyTo(destination);
        int copied = firstSpan.Length;

        SequencePosition next = _nextPosition;
        while (Sequence.TryGet(ref next, out ReadOnlyMemory<T> nextSegment, true))
        {
            if (nextSegment.Length > 0)
            {
                ReadOnlySpan<T> nextSpan = nextSegment.Span;
                int toCopy = Math.Min(nextSpan.Length, destination.Length - copied);
                nextSpan.Slice(0, toCopy).CopyTo(destination.Slice(copied));
                copied += toCopy;
                if (copied >= destination.Length)
                {
                    break;
                }
            }
        }

        return true;
    }

    public bool TryReadTo(out ReadOnlySpan<T> span, T delimiter, bool advancePastDelimiter = true)
    {
        ReadOnlySpan<T> remaining = UnreadSpan;
        int index = remaining.IndexOf(delimiter);

        if (index != -1)
        {
            span = index == 0 ? default : remaining.Slice(0, index);
            AdvanceCurrentSpan(index + (advancePastDelimiter ? 1 : 0));
            return true;
        }

        return TryReadToSlow(out span, delimiter, advancePastDelimiter);
    }

    private bool TryReadToSlow(out ReadOnlySpan<T> span, T delimiter, bool advancePastDelimiter)
    {
        if (!TryReadToInternal(out ReadOnlySequence<T> sequence, delimiter, advancePastDelimiter, CurrentSpan.Length - CurrentSpanIndex))
        {
            span = default;
            return false;
        }

        span = sequence.IsSingleSegment ? sequence.First.Span : sequence.ToArray();
        return true;
    }

    public bool TryReadTo(out ReadOnlySpan<T> span, T delimiter, T delimiterEscape, bool advancePastDelimiter = true)
    {
        ReadOnlySpan<T> remaining = UnreadSpan;
        int index = remaining.IndexOf(delimiter);

        if ((index > 0 && !remaining[index - 1].Equals(delimiterEscape)) || index == 0)
        {
            span = remaining.Slice(0, index);
            AdvanceCurrentSpan(index + (advancePastDelimiter ? 1 : 0));
            return true;
        }

        // This delimiter might be skipped, go down the slow path
        return TryReadToSlow(out span, delimiter, delimiterEscape, index, advancePastDelimiter);
    }

    private bool TryReadToSlow(out ReadOnlySpan<T> span, T delimiter, T delimiterEscape, int index, bool advancePastDelimiter)
    {
        if (!TryReadToSlow(out ReadOnlySequence<T> sequence, delimiter, delimiterEscape, index, advancePastDelimiter))
        {
            span = default;
            return false;
        }

        Debug.Assert(sequence.Length > 0);
        span = sequence.IsSingleSegment ? sequence.First.Span : sequence.ToArray();
        return true;
    }

    private bool TryReadToSlow(out ReadOnlySequence<T> sequence, T delimiter, T delimiterEscape, int index, bool advancePastDelimiter)
    {
        SegmentReader<T> copy = this;

        ReadOnlySpan<T> remaining = UnreadSpan;
        bool priorEscape = false;

        do
        {
            if (index >= 0)
            {
                if (index == 0 && priorEscape)
                {
                    // We were in the escaped state, so skip this delimiter
                    priorEscape = false;
                    Advance(index + 1);
                    remaining = UnreadSpan;
                    goto Continue;
                }
                else if (index > 0 && remaining[index - 1].Equals(delimiterEscape))
                {
                    // This delimiter might be skipped

                    // Count our escapes
                    int escapeCount = 1;
                    int i = index - 2;
                    for (; i >= 0; i--)
                    {
                        if (!remaining[i].Equals(delimiterEscape))
                            break;
                    }
                    if (i < 0 && priorEscape)
                    {
                        // Started and ended with escape, increment once more
                        escapeCount++;
                    }
                    escapeCount += index - 2 - i;

                    if ((escapeCount & 1) != 0)
                    {
                        // An odd escape count means we're currently escaped,
                        // skip the delimiter and reset escaped state.
                        Advance(index + 1);
                        priorEscape = false;
                        remaining = UnreadSpan;
                        goto Continue;
                    }
                }

                // Found the delimiter. Move to it, slice, then move past it.
                AdvanceCurrentSpan(index);

                sequence = Sequence.Slice(copy.Position, Position);
                if (advancePastDelimiter)
                {
                    Advance(1);
                }
                return true;
            }
            else
            {
                // No delimiter, need to check the end of the span for odd number of escapes then advance
                if (remaining.Length > 0 && remaining[remaining.Length - 1].Equals(delimiterEscape))
                {
                    int escapeCount = 1;
                    int i = remaining.Length - 2;
                    for (; i >= 0; i--)
                    {
                        if (!remaining[i].Equals(delimiterEscape))
                            break;
                    }

                    escapeCount += remaining.Length - 2 - i;
                    if (i < 0 && priorEscape)
                        priorEscape = (escapeCount & 1) == 0;   // equivalent to incrementing escapeCount before setting priorEscape
                    else
                        priorEscape = (escapeCount & 1) != 0;
                }
                else
                {
                    priorEscape = false;
                }
            }

            // Nothing in the current span, move to the end, checking for the skip delimiter
            AdvanceCurrentSpan(remaining.Length);
            remaining = CurrentSpan;

        Continue:
            index = remaining.IndexOf(delimiter);
        } while (!End);

        // Didn't find anything, reset our original state.
        this = copy;
        sequence = default;
        return false;
    }

    public bool TryReadTo(out ReadOnlySequence<T> sequence, T delimiter, bool advancePastDelimiter = true)
    {
        return TryReadToInternal(out sequence, delimiter, advancePastDelimiter);
    }

    private bool TryReadToInternal(out ReadOnlySequence<T> sequence, T delimiter, bool advancePastDelimiter, int skip = 0)
    {
        Debug.Assert(skip >= 0);
        SegmentReader<T> copy = this;
        if (skip > 0)
            Advance(skip);
        ReadOnlySpan<T> remaining = UnreadSpan;

        while (_moreData)
        {
            int index = remaining.IndexOf(delimiter);
            if (index != -1)
            {
                // Found the delimiter. Move to it, slice, then move past it.
                if (index > 0)
                {
                    AdvanceCurrentSpan(index);
                }

                sequence = Sequence.Slice(copy.Position, Position);
                if (advancePastDelimiter)
                {
                    Advance(1);
                }
                return true;
            }

            AdvanceCurrentSpan(remaining.Length);
            remaining = CurrentSpan;
        }

        // Didn't find anything, reset our original state.
        this = copy;
        sequence = default;
        return false;
    }
}
