using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>
/// The STT → LLM → TTS voice agent: caller audio to Deepgram; each finished caller turn to a streamed chat completion
/// (history kept, tools declared); every completed sentence spoken by the TTS as soon as it is complete; tool calls
/// surfaced as <see cref="ToolCallRequested"/> and the answer continued once every result is in; barge-in cancels it all.
/// </summary>
public sealed class PipelineAgent : IVoiceAgent
{
    private readonly DeepgramOptions _sttOptions;
    private readonly ChatCompletionsClient _chat;
    private readonly ITextToSpeech _tts;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<VoiceAgentEvent> _events = Channel.CreateBounded<VoiceAgentEvent>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });
    private readonly List<ChatMessage> _history = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string?> _pendingToolResults = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private DeepgramStreamingClient? _stt;
    private VoiceAgentSettings? _settings;
    private Task _sttLoop = Task.CompletedTask;
    private Task _response = Task.CompletedTask;
    private CancellationTokenSource? _responseCancel;
    private TaskCompletionSource? _toolResultsReady;
    private int _responseNumber;

    public PipelineAgent(DeepgramOptions sttOptions, ChatCompletionsClient chat, ITextToSpeech tts, TimeProvider? timeProvider = null)
    {
        _sttOptions = sttOptions;
        _chat = chat;
        _tts = tts;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Provider => "pipeline";

    public ChannelReader<VoiceAgentEvent> Events => _events.Reader;

    public async Task ConnectAsync(VoiceAgentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_tts.OutputSampleRate != settings.CallSampleRate)
        {
            throw new VoiceAgentException($"The TTS speaks at {_tts.OutputSampleRate} Hz but the call runs at {settings.CallSampleRate} Hz.");
        }

        _settings = settings;
        _history.Add(ChatMessage.System(settings.Instructions));
        _stt = new DeepgramStreamingClient(_sttOptions with { SampleRate = settings.CallSampleRate }, _timeProvider);
        await _stt.ConnectAsync(cancellationToken);
        _sttLoop = Task.Run(() => SttLoopAsync(_stt, _stop.Token), CancellationToken.None);
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        _stt is { } stt ? stt.SendAudioAsync(frame, cancellationToken) : throw new InvalidOperationException("Not connected.");

    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        StartResponse(ChatMessage.User(text));
        return ValueTask.CompletedTask;
    }

    public ValueTask RequestResponseAsync(string? instructions, CancellationToken cancellationToken)
    {
        StartResponse(instructions is null ? null : ChatMessage.System(instructions));
        return ValueTask.CompletedTask;
    }

    public ValueTask SendToolResultAsync(string callId, string resultJson, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_pendingToolResults.ContainsKey(callId))
            {
                throw new InvalidOperationException($"No tool call {callId} is waiting for a result.");
            }

            _pendingToolResults[callId] = resultJson;
            if (_pendingToolResults.Values.All(v => v is not null))
            {
                _toolResultsReady?.TrySetResult();
            }
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask InterruptAsync(TimeSpan heard, CancellationToken cancellationToken)
    {
        CancellationTokenSource? cancel;
        Task response;
        lock (_lock)
        {
            cancel = _responseCancel;
            response = _response;
        }

        if (cancel is not null)
        {
            try
            {
                await cancel.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The response finished meanwhile: nothing left to cancel.
            }
        }

        await response.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task response;
        lock (_lock)
        {
            response = _response;
        }

        await Task.WhenAll(_sttLoop, response);
        if (_stt is not null)
        {
            await _stt.DisposeAsync();
        }

        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private async Task SttLoopAsync(DeepgramStreamingClient stt, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (SpeechToTextEvent e in stt.Events.ReadAllAsync(cancellationToken))
            {
                switch (e)
                {
                    case SpeechStarted:
                        await _events.Writer.WriteAsync(new CallerSpeech(true), cancellationToken);
                        await InterruptAsync(TimeSpan.Zero, cancellationToken);
                        break;
                    case SpeechTranscript { Text.Length: > 0 } t:
                        await _events.Writer.WriteAsync(new Transcript(TranscriptSpeaker.Caller, t.Text, false), cancellationToken);
                        break;
                    case SpeechTurnEnded turn:
                        await _events.Writer.WriteAsync(new CallerSpeech(false), cancellationToken);
                        await _events.Writer.WriteAsync(new Transcript(TranscriptSpeaker.Caller, turn.Text, true), cancellationToken);
                        StartResponse(ChatMessage.User(turn.Text));
                        break;
                    case SpeechError error:
                        await _events.Writer.WriteAsync(new AgentError(error.Code, "Speech recognition: " + error.Message, Fatal: true), cancellationToken);
                        break;
                    default:
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException or VoiceAgentException or System.Net.WebSockets.WebSocketException or HttpRequestException)
        {
            // Never stop listening silently: the call moves to its fallback.
            _events.Writer.TryWrite(new AgentError("pipeline_failed", "The pipeline stopped listening: " + ex.Message, Fatal: true));
        }
    }

    private void StartResponse(ChatMessage? message)
    {
        lock (_lock)
        {
            // Under the lock: a finishing response clears and disposes its source under the same lock.
            _responseCancel?.Cancel();
            Task previous = _response;
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            _responseCancel = cancel;
            string responseId = "resp_" + (++_responseNumber);
            _response = Task.Run(() => RespondAsync(previous, message, responseId, cancel), CancellationToken.None);
        }
    }

    private async Task RespondAsync(Task previous, ChatMessage? message, string responseId, CancellationTokenSource cancel)
    {
        CancellationToken cancellationToken = cancel.Token;
        var spoken = new StringBuilder();
        string status = "completed";
        VoiceAgentUsage? usage = null;
        try
        {
            try
            {
                await previous;
            }
            catch (Exception)
            {
                // The previous response reported its own failure.
            }

            if (message is not null)
            {
                _history.Add(message);
            }

            while (true)
            {
                var pending = new StringBuilder();
                ChatCompletionFinished? finished = null;
                await foreach (ChatStreamEvent e in _chat.StreamAsync(_history, _settings!.Tools, cancellationToken))
                {
                    if (e is ChatContentDelta delta)
                    {
                        pending.Append(delta.Text);
                        int end;
                        while ((end = SentenceEnd(pending)) > 0)
                        {
                            string sentence = pending.ToString(0, end).Trim();
                            pending.Remove(0, end);
                            await SpeakAsync(sentence, responseId, spoken, cancellationToken);
                        }
                    }
                    else if (e is ChatCompletionFinished f)
                    {
                        finished = f;
                    }
                }

                if (pending.ToString().Trim() is { Length: > 0 } rest)
                {
                    await SpeakAsync(rest, responseId, spoken, cancellationToken);
                }

                if (finished!.Usage is { } u)
                {
                    usage = new VoiceAgentUsage(u.PromptTokens, u.CompletionTokens, 0, 0);
                }

                _history.Add(ChatMessage.Assistant(finished.Content.Length > 0 ? finished.Content : null, finished.ToolCalls));
                if (finished.ToolCalls.Count == 0)
                {
                    break;
                }

                // Act on "tool calls were seen", whatever the finish reason (§4.2, G21).
                TaskCompletionSource ready;
                lock (_lock)
                {
                    _pendingToolResults.Clear();
                    foreach (ChatToolCall call in finished.ToolCalls)
                    {
                        _pendingToolResults[call.Id] = null;
                    }

                    ready = _toolResultsReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                foreach (ChatToolCall call in finished.ToolCalls)
                {
                    await _events.Writer.WriteAsync(new ToolCallRequested(call.Id, call.Name, call.ArgumentsJson), cancellationToken);
                }

                await ready.Task.WaitAsync(cancellationToken);
                lock (_lock)
                {
                    foreach (ChatToolCall call in finished.ToolCalls)
                    {
                        _history.Add(ChatMessage.Tool(call.Id, _pendingToolResults[call.Id]!));
                    }

                    _pendingToolResults.Clear();
                }
            }
        }
        catch (OperationCanceledException)
        {
            status = "cancelled";

            // The model remembers only what was spoken (G5): drop the unspoken rest.
            if (_history.Count > 0 && _history[^1].Role != "assistant" && spoken.Length > 0)
            {
                _history.Add(ChatMessage.Assistant(spoken.ToString()));
            }
        }
        catch (ProviderHttpException ex)
        {
            status = "failed";
            _events.Writer.TryWrite(new AgentError(ex.StatusCode == 0 ? ex.ErrorCode ?? "provider_error" : ex.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, Fatal: ex.StatusCode is 401 or 403));
        }
        finally
        {
            if (spoken.Length > 0)
            {
                _events.Writer.TryWrite(new Transcript(TranscriptSpeaker.Agent, spoken.ToString(), true));
            }

            _events.Writer.TryWrite(new ResponseFinished(responseId, status, usage));
            lock (_lock)
            {
                // The next response or barge-in must not reach a disposed source.
                if (ReferenceEquals(_responseCancel, cancel))
                {
                    _responseCancel = null;
                }

                cancel.Dispose();
            }
        }
    }

    private async Task SpeakAsync(string sentence, string responseId, StringBuilder spoken, CancellationToken cancellationToken)
    {
        if (sentence.Length == 0)
        {
            return;
        }

        await foreach (ReadOnlyMemory<byte> chunk in _tts.SynthesizeAsync(sentence, cancellationToken))
        {
            byte[] pcm = ArrayPool<byte>.Shared.Rent(chunk.Length);
            chunk.CopyTo(pcm);
            await _events.Writer.WriteAsync(new AgentAudio(pcm, chunk.Length, responseId), cancellationToken);
        }

        spoken.Append(spoken.Length > 0 ? " " : string.Empty).Append(sentence);
    }

    /// <summary>Index just past the first sentence end (<c>.</c>, <c>!</c>, <c>?</c> followed by white space), or 0.</summary>
    internal static int SentenceEnd(StringBuilder text)
    {
        for (int i = 0; i + 1 < text.Length; i++)
        {
            if (text[i] is '.' or '!' or '?' && char.IsWhiteSpace(text[i + 1]))
            {
                return i + 1;
            }
        }

        return 0;
    }
}
