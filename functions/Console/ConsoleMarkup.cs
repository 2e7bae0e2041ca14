using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console;

/// <summary>
/// Writes a component's elements in order. The console's pages are rendered once per request (static server
/// rendering, no circuit, no diff against an earlier render), so one sequence number per kind of frame is enough;
/// every text and attribute goes through the renderer, which encodes it.
/// </summary>
internal sealed class ConsoleMarkup(RenderTreeBuilder builder)
{
    public ConsoleMarkup Open(string element, params (string Name, object? Value)[] attributes)
    {
        builder.OpenElement(0, element);
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                builder.AddAttribute(1, name, value);
            }
        }

        return this;
    }

    public ConsoleMarkup Text(string text)
    {
        builder.AddContent(2, text);
        return this;
    }

    public ConsoleMarkup Close()
    {
        builder.CloseElement();
        return this;
    }

    public ConsoleMarkup Element(string element, string text, params (string Name, object? Value)[] attributes) =>
        Open(element, attributes).Text(text).Close();

    /// <summary>A constant, trusted fragment (the doctype, the style sheet): never anything a caller sent.</summary>
    public ConsoleMarkup Trusted(string markup)
    {
        builder.AddMarkupContent(3, markup);
        return this;
    }

    /// <summary>The anti-forgery token every console form carries.</summary>
    public ConsoleMarkup Antiforgery(ConsoleForm form) =>
        Open("input", ("type", "hidden"), ("name", form.FieldName), ("value", form.Token)).Close();
}

/// <summary>The anti-forgery field of the page's forms, issued for the signed-in principal (or for nobody, on sign-in).</summary>
public sealed record ConsoleForm(string FieldName, string Token);
