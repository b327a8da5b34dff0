// Written for Hotpath's analyzer tests after dotnet/runtime src/libraries/System.IO.Pipelines/src/System/IO/Pipelines/
// Pipe.cs and BufferSegment.cs (MIT): one private lock (SyncObj => _sync) over reader and writer state, taken in short
// regions with many branches and returns; completions computed under the lock and scheduled after it; a local function
// inside the lock that moves a captured local; segments renting their memory from ArrayPool<byte>.Shared, kept in a
// mutable struct stack of spare segments, and returning it when the reader consumes them. Excerpt: see README.md.
using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace RealCode.Pipelines;

public sealed class SegmentPipe
{
    private const int MaximumSegmentSize = 4096 * 4;

    private static readonly Action<object?> s_signalReaderAwaitable = state => ((SegmentPipe)state!).ReaderCancellationRequested();
    private static readonly Action<object?> s_signalWriterAwaitable = state => ((SegmentPipe)state!).WriterCancellationRequested();

    // Mutable struct! Don't make this readonly
    private SegmentStack _bufferSegmentPool;

    private readonly PipeEnd _reader;
    private readonly PipeEnd _writer;
    private readonly object _sync = new object();
    private readonly int _minimumSegmentSize;
    private readonly int _maxSegmentPoolSize;
    private readonly long _pauseWriterThreshold;
    private readonly long _resumeWriterThreshold;

    private long _unconsumedBytes;
    private long _unflushedBytes;
    private Signal _readerAwaitable;
    private Signal _writerAwaitable;
    private bool _writerCompleted;
    private bool _readerCompleted;
    private long _lastExaminedIndex = -1;
    private PipeSegment? _readHead;
    private int _readHeadIndex;
    private PipeSegment? _readTail;
    private int _readTailIndex;
    private PipeSegment? _writingHead;
    private Memory<byte> _writingHeadMemory;
    private int _writingHeadBytesBuffered;
    private bool _isWritingActive;
    private bool _disposed;

    public SegmentPipe(int minimumSegmentSize, int maxSegmentPoolSize, long pauseWriterThreshold, long resumeWriterThreshold)
    {
        _bufferSegmentPool = new SegmentStack(maxSegmentPoolSize);
        _minimumSegmentSize = minimumSegmentSize;
        _maxSegmentPoolSize = maxSegmentPoolSize;
        _pauseWriterThreshold = pauseWriterThreshold;
        _resumeWriterThreshold = resumeWriterThreshold;
        _readerAwaitable = new Signal(completed: false);
        _writerAwaitable = new Signal(completed: true);
        _reader = new PipeEnd(this, reader: true);
        _writer = new PipeEnd(this, reader: false);
    }

    private object SyncObj => _sync;

    public Memory<byte> GetMemory(int sizeHint)
    {
        if (_writerCompleted)
        {
            throw new InvalidOperationException("Writing is not allowed after writer was completed.");
        }

        if (!_isWritingActive || _writingHeadMemory.Length == 0 || _writingHeadMemory.Length < sizeHint)
        {
            AllocateWriteHeadSynchronized(sizeHint);
        }

        return _writingHeadMemory;
    }

    private void AllocateWriteHeadSynchronized(int sizeHint)
    {
        lock (SyncObj)
        {
            _isWritingActive = true;

            if (_writingHead == null)
            {
                var newSegment = AllocateSegment(_minimumSegmentSize, sizeHint);
                _writingHead = _readHead = _readTail = newSegment;
                _lastExaminedIndex = 0;
            }
            else
            {
                var bytesLeftInBuffer = _writingHeadMemory.Length;

                if (bytesLeftInBuffer == 0 || bytesLeftInBuffer < sizeHint)
                {
                    if (_writingHeadBytesBuffered > 0)
                    {
                        _writingHead.End += _writingHeadBytesBuffered;
                        _writingHeadBytesBuffered = 0;
                    }

                    var newSegmentSize = Math.Min(MaximumSegmentSize, _writingHead.Capacity * 2);
                    var newSegment = AllocateSegment(newSegmentSize, sizeHint);

                    _writingHead.SetNext(newSegment);
                    _writingHead = newSegment;
                }
            }
        }
    }

    private PipeSegment AllocateSegment(int minimumSegmentSize, int sizeHint)
    {
        var newSegment = CreateSegmentUnsynchronized();
        var sizeToRequest = Math.Max(minimumSegmentSize, sizeHint);
        newSegment.SetOwnedMemory(ArrayPool<byte>.Shared.Rent(sizeToRequest));
        _writingHeadMemory = newSegment.AvailableMemory;
        return newSegment;
    }

    private PipeSegment CreateSegmentUnsynchronized()
    {
        if (_bufferSegmentPool.TryPop(out var segment))
        {
            return segment;
        }

        return new PipeSegment();
    }

    private void ReturnSegmentUnsynchronized(PipeSegment segment)
    {
        if (_bufferSegmentPool.Count < _maxSegmentPoolSize)
        {
            _bufferSegmentPool.Push(segment);
        }
    }

    private bool CommitUnsynchronized()
    {
        _isWritingActive = false;

        if (_unflushedBytes == 0)
        {
            return false;
        }

        _writingHead!.End += _writingHeadBytesBuffered;
        _readTail = _writingHead;
        _readTailIndex = _writingHead.End;

        var oldLength = _unconsumedBytes;
        _unconsumedBytes += _unflushedBytes;

        if (_pauseWriterThreshold > 0 &&
            oldLength < _pauseWriterThreshold &&
            _unconsumedBytes >= _pauseWriterThreshold &&
            !_readerCompleted)
        {
            _writerAwaitable.SetUncompleted();
        }

        _unflushedBytes = 0;
        _writingHeadBytesBuffered = 0;
        return true;
    }

    public void Advance(int bytes)
    {
        lock (SyncObj)
        {
            if ((uint)bytes > (uint)_writingHeadMemory.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(bytes));
            }

            if (_readerCompleted)
            {
                return;
            }

            _unflushedBytes += bytes;
            _writingHeadBytesBuffered += bytes;
            _writingHeadMemory = _writingHeadMemory.Slice(bytes);
        }
    }

    public ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        CompletionData completion;
        ValueTask<bool> result;
        lock (SyncObj)
        {
            var completeReader = CommitUnsynchronized();
            _writerAwaitable.BeginOperation(cancellationToken, s_signalWriterAwaitable, this);

            result = _writerAwaitable.IsCompleted
                ? new ValueTask<bool>(_readerCompleted)
                : new ValueTask<bool>(_writer, token: 0);

            if (completeReader)
            {
                _readerAwaitable.Complete(out completion);
            }
            else
            {
                completion = default;
            }
        }

        TrySchedule(completion);
        return result;
    }

    public void CompleteWriter()
    {
        CompletionData completion;
        bool readerCompleted;

        lock (SyncObj)
        {
            CommitUnsynchronized();
            _writerCompleted = true;
            _readerAwaitable.Complete(out completion);
            readerCompleted = _readerCompleted;
        }

        if (readerCompleted)
        {
            CompletePipe();
        }

        TrySchedule(completion);
    }

    public void AdvanceReader(PipeSegment? consumedSegment, int consumedIndex, PipeSegment? examinedSegment, int examinedIndex)
    {
        PipeSegment? returnStart = null;
        PipeSegment? returnEnd = null;
        CompletionData completion = default;

        lock (SyncObj)
        {
            var examinedEverything = false;
            if (examinedSegment == _readTail)
            {
                examinedEverything = examinedIndex == _readTailIndex;
            }

            if (examinedSegment != null && _lastExaminedIndex >= 0)
            {
                var examinedBytes = examinedSegment.RunningIndex + examinedIndex - _lastExaminedIndex;
                var oldLength = _unconsumedBytes;

                if (examinedBytes < 0)
                {
                    throw new InvalidOperationException("The examined position cannot be less than the previously examined position.");
                }

                _unconsumedBytes -= examinedBytes;
                _lastExaminedIndex = examinedSegment.RunningIndex + examinedIndex;

                if (oldLength >= _resumeWriterThreshold &&
                    _unconsumedBytes < _resumeWriterThreshold)
                {
                    _writerAwaitable.Complete(out completion);
                }
            }

            if (consumedSegment != null)
            {
                if (_readHead == null)
                {
                    throw new InvalidOperationException("Pipe is already advanced past provided cursor.");
                }

                returnStart = _readHead;
                returnEnd = consumedSegment;

                void MoveReturnEndToNextBlock()
                {
                    var nextBlock = returnEnd!.NextSegment;
                    if (_readTail == returnEnd)
                    {
                        _readTail = nextBlock;
                        _readTailIndex = 0;
                    }

                    _readHead = nextBlock;
                    _readHeadIndex = 0;

                    returnEnd = nextBlock;
                }

                if (consumedIndex == returnEnd.Length)
                {
                    if (_writingHead != returnEnd)
                    {
                        MoveReturnEndToNextBlock();
                    }
                    else if (_writingHeadBytesBuffered == 0 && !_isWritingActive)
                    {
                        _writingHead = null;
                        _writingHeadMemory = default;

                        MoveReturnEndToNextBlock();
                    }
                    else
                    {
                        _readHead = consumedSegment;
                        _readHeadIndex = consumedIndex;
                    }
                }
                else
                {
                    _readHead = consumedSegment;
                    _readHeadIndex = consumedIndex;
                }
            }

            if (examinedEverything && !_writerCompleted)
            {
                _readerAwaitable.SetUncompleted();
            }

            while (returnStart != null && returnStart != returnEnd)
            {
                var next = returnStart.NextSegment;
                returnStart.ResetMemory();
                ReturnSegmentUnsynchronized(returnStart);
                returnStart = next;
            }
        }

        TrySchedule(completion);
    }

    public void CompleteReader()
    {
        CompletionData completion;
        bool writerCompleted;

        lock (SyncObj)
        {
            _readerCompleted = true;
            _writerAwaitable.Complete(out completion);
            writerCompleted = _writerCompleted;
        }

        if (writerCompleted)
        {
            CompletePipe();
        }

        TrySchedule(completion);
    }

    public void CancelPendingRead()
    {
        CompletionData completion;
        lock (SyncObj)
        {
            _readerAwaitable.Cancel(out completion);
        }

        TrySchedule(completion);
    }

    public ValueTask<long> ReadAsync(CancellationToken token)
    {
        if (_readerCompleted)
        {
            throw new InvalidOperationException("Reading is not allowed after reader was completed.");
        }

        if (token.IsCancellationRequested)
        {
            return new ValueTask<long>(Task.FromCanceled<long>(token));
        }

        ValueTask<long> result;
        lock (SyncObj)
        {
            _readerAwaitable.BeginOperation(token, s_signalReaderAwaitable, this);

            if (_readerAwaitable.IsCompleted)
            {
                result = new ValueTask<long>(_unconsumedBytes);
            }
            else
            {
                result = new ValueTask<long>(_reader, token: 0);
            }
        }

        return result;
    }

    public bool TryRead(out long length)
    {
        lock (SyncObj)
        {
            if (_readerCompleted)
            {
                throw new InvalidOperationException("Reading is not allowed after reader was completed.");
            }

            if (_unconsumedBytes > 0 || _readerAwaitable.IsCompleted)
            {
                length = _unconsumedBytes;
                return true;
            }

            if (_readerAwaitable.IsRunning)
            {
                throw new InvalidOperationException("Reading is already in progress.");
            }

            length = 0;
            return false;
        }
    }

    private void ReaderCancellationRequested()
    {
        CompletionData completion;
        lock (SyncObj)
        {
            _readerAwaitable.CancellationTokenFired(out completion);
        }

        TrySchedule(completion);
    }

    private void WriterCancellationRequested()
    {
        CompletionData completion;
        lock (SyncObj)
        {
            _writerAwaitable.CancellationTokenFired(out completion);
        }

        TrySchedule(completion);
    }

    private bool GetReadAsyncResult()
    {
        bool isCompleted;
        bool isCanceled;
        CancellationTokenRegistration cancellationTokenRegistration = default;
        CancellationToken cancellationToken = default;
        try
        {
            lock (SyncObj)
            {
                if (!_readerAwaitable.IsCompleted)
                {
                    throw new InvalidOperationException("Can't GetResult unless awaiter is completed.");
                }

                cancellationTokenRegistration = _readerAwaitable.ReleaseCancellationTokenRegistration(out cancellationToken);
                isCompleted = _writerCompleted;
                isCanceled = _readerAwaitable.ObserveCancellation();
            }
        }
        finally
        {
            cancellationTokenRegistration.Dispose();
        }

        if (isCanceled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return isCompleted;
    }

    private bool GetFlushAsyncResult()
    {
        var isCompleted = false;
        CancellationToken cancellationToken = default;
        CancellationTokenRegistration cancellationTokenRegistration = default;

        try
        {
            lock (SyncObj)
            {
                if (!_writerAwaitable.IsCompleted)
                {
                    throw new InvalidOperationException("Can't GetResult unless awaiter is completed.");
                }

                _writerAwaitable.ObserveCancellation();
                isCompleted = _readerCompleted;
                cancellationTokenRegistration = _writerAwaitable.ReleaseCancellationTokenRegistration(out cancellationToken);
            }
        }
        finally
        {
            cancellationTokenRegistration.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return isCompleted;
    }

    private void CompletePipe()
    {
        lock (SyncObj)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var segment = _readHead ?? _readTail;
            while (segment != null)
            {
                var returnSegment = segment;
                segment = segment.NextSegment;
                returnSegment.ResetMemory();
            }

            _writingHead = null;
            _writingHeadMemory = default;
            _readHead = null;
            _readTail = null;
            _lastExaminedIndex = -1;
        }
    }

    private static void TrySchedule(in CompletionData completionData)
    {
        var completion = completionData.Completion;
        if (completion is null)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(completion, completionData.CompletionState, preferLocal: false);
    }

    private readonly struct CompletionData
    {
        public CompletionData(Action<object?>? completion, object? completionState)
        {
            Completion = completion;
            CompletionState = completionState;
        }

        public Action<object?>? Completion { get; }

        public object? CompletionState { get; }
    }

    private sealed class PipeEnd : IValueTaskSource<bool>, IValueTaskSource<long>
    {
        private readonly SegmentPipe _pipe;
        private readonly bool _reader;

        public PipeEnd(SegmentPipe pipe, bool reader)
        {
            _pipe = pipe;
            _reader = reader;
        }

        public bool GetResult(short token) => _reader ? _pipe.GetReadAsyncResult() : _pipe.GetFlushAsyncResult();

        public ValueTaskSourceStatus GetStatus(short token)
        {
            lock (_pipe.SyncObj)
            {
                var completed = _reader ? _pipe._readerAwaitable.IsCompleted : _pipe._writerAwaitable.IsCompleted;
                return completed ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Pending;
            }
        }

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            CompletionData completionData;
            lock (_pipe.SyncObj)
            {
                if (_reader)
                {
                    _pipe._readerAwaitable.OnCompleted(continuation, state, out completionData);
                }
                else
                {
                    _pipe._writerAwaitable.OnCompleted(continuation, state, out completionData);
                }
            }

            TrySchedule(completionData);
        }

        // The reader's ValueTask<long> (the original's ValueTask<ReadResult>, its PipeReader the source): the bytes there
        // once the read completed. A stand-in for the corpus.
        long IValueTaskSource<long>.GetResult(short token)
        {
            GetResult(token);
            return _pipe._unconsumedBytes;
        }

        ValueTaskSourceStatus IValueTaskSource<long>.GetStatus(short token) => GetStatus(token);

        void IValueTaskSource<long>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            OnCompleted(continuation, state, token, flags);
    }

    private struct Signal
    {
        private Action<object?>? _completion;
        private object? _completionState;
        private CancellationTokenRegistration _registration;
        private bool _completed;
        private bool _running;
        private bool _canceled;

        public Signal(bool completed)
        {
            _completion = null;
            _completionState = null;
            _registration = default;
            _completed = completed;
            _running = false;
            _canceled = false;
        }

        public readonly bool IsCompleted => _completed || _canceled;

        public readonly bool IsRunning => _running;

        public void BeginOperation(CancellationToken cancellationToken, Action<object?> callback, object? state)
        {
            cancellationToken.ThrowIfCancellationRequested();

            _running = true;
            if (cancellationToken.CanBeCanceled && !IsCompleted)
            {
                _registration = cancellationToken.UnsafeRegister(callback, state);
            }
        }

        public void SetUncompleted() => _completed = false;

        public void Complete(out CompletionData completionData)
        {
            ExtractCompletion(out completionData);
            _completed = true;
        }

        private void ExtractCompletion(out CompletionData completionData)
        {
            var currentCompletion = _completion;
            var currentState = _completionState;
            _completion = null;
            _completionState = null;
            completionData = currentCompletion is not null ? new CompletionData(currentCompletion, currentState) : default;
        }

        public void Cancel(out CompletionData completionData)
        {
            ExtractCompletion(out completionData);
            _canceled = true;
        }

        public void CancellationTokenFired(out CompletionData completionData)
        {
            // We might be getting stale callbacks that we already unsubscribed from
            if (_registration.Token.IsCancellationRequested)
            {
                Cancel(out completionData);
            }
            else
            {
                completionData = default;
            }
        }

        public bool ObserveCancellation()
        {
            var isCanceled = _canceled;
            _canceled = false;
            _running = false;
            return isCanceled;
        }

        public CancellationTokenRegistration ReleaseCancellationTokenRegistration(out CancellationToken cancellationToken)
        {
            cancellationToken = _registration.Token;
            var cancellationTokenRegistration = _registration;
            _registration = default;
            return cancellationTokenRegistration;
        }

        public void OnCompleted(Action<object?> continuation, object? state, out CompletionData completionData)
        {
            if (IsCompleted || _completion is not null)
            {
                completionData = new CompletionData(continuation, state);
                return;
            }

            _completion = continuation;
            _completionState = state;
            completionData = default;
        }
    }

    private struct SegmentStack
    {
        private PipeSegment[] _array;
        private int _size;

        public SegmentStack(int size)
        {
            _array = new PipeSegment[size];
            _size = 0;
        }

        public readonly int Count => _size;

        public bool TryPop(out PipeSegment result)
        {
            var size = _size - 1;
            if ((uint)size >= (uint)_array.Length)
            {
                result = null!;
                return false;
            }

            _size = size;
            result = _array[size];
            _array[size] = null!;
            return true;
        }

        public void Push(PipeSegment item)
        {
            if ((uint)_size < (uint)_array.Length)
            {
                _array[_size] = item;
                _size++;
            }
        }
    }
}

public sealed class PipeSegment
{
    private byte[]? _array;
    private PipeSegment? _next;
    private int _end;

    public int Capacity => AvailableMemory.Length;

    public long RunningIndex { get; private set; }

    public int End
    {
        get => _end;
        set => _end = value;
    }

    public PipeSegment? NextSegment => _next;

    public Memory<byte> AvailableMemory { get; private set; }

    public int Length => End;

    public void SetOwnedMemory(byte[] arrayPoolBuffer)
    {
        _array = arrayPoolBuffer;
        AvailableMemory = arrayPoolBuffer;
    }

    public void ResetMemory()
    {
        if (_array != null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }

        RunningIndex = 0;
        _next = null;
        _end = 0;
        AvailableMemory = default;
    }

    public void SetNext(PipeSegment segment)
    {
        _next = segment;
        segment = this;
        while (segment._next != null)
        {
            segment._next.RunningIndex = segment.RunningIndex + segment.Length;
            segment = segment._next;
        }
    }
}
